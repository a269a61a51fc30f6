package io.fedge.hub.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code ./fedge gen-data}: realistic synthetic car-dealer data for trying Fedge without real
 * customers. Each dealer gets {@code customers.csv}: one row per customer with demographics,
 * showroom visits, test drives and service history, and a {@code purchased} label drawn from a
 * known logistic model (written to {@code MODEL.md}), so a federated model can be checked against
 * the truth. Dealers differ (urban/rural mix, income, traffic), as real sites do: the data is not
 * identically distributed. A shared {@code test.csv} and a ready {@code job.json} for {@code ./fedge
 * sim} are written too. Everything is a function of the seed.
 */
public final class DealerDataGenerator {
  /** Feature columns, in file order after {@code customer_id}; the label {@code purchased} is last. */
  public static final List<String> FEATURES = List.of("age", "income_k", "tenure_years", "visits_12m",
      "test_drives_12m", "service_visits_24m", "service_spend_k", "days_since_service", "car_age_years",
      "email_opt_in", "financing_preapproved");
  /** The true model: logit P(purchased) = INTERCEPT + sum COEF[j] * z_j, z_j the standardised feature. */
  public static final double INTERCEPT = -1.6;
  public static final double[] COEF = {-0.15, 0.35, 0.25, 0.55, 0.9, 0.3, 0.2, -0.35, 0.6, 0.15, 0.5};
  // population means and standard deviations used to standardise z_j in the true model
  static final double[] MEAN = {46, 62, 4.5, 3.0, 0.8, 2.2, 0.9, 240, 6.5, 0.45, 0.25};
  static final double[] SD = {14, 28, 3.5, 2.6, 1.1, 1.7, 0.8, 160, 3.8, 0.5, 0.43};

  private DealerDataGenerator() {}

  public static void main(String[] args) throws IOException {
    Path out = null;
    int dealers = 3;
    int customers = 2000;
    long seed = 7;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--out" -> out = Path.of(require(args[i], v));
        case "--dealers" -> dealers = Integer.parseInt(require(args[i], v));
        case "--customers" -> customers = Integer.parseInt(require(args[i], v));
        case "--seed" -> seed = Long.parseLong(require(args[i], v));
        default -> usage("unknown option " + args[i]);
      }
      i++;
    }
    if (out == null) {
      usage("--out DIR is required");
    }
    if (dealers < 2 || dealers > 100 || customers < 50 || customers > 1_000_000) {
      usage("--dealers must be 2..100 and --customers 50..1000000");
    }
    write(out, dealers, customers, seed);
    System.out.println("wrote " + dealers + " dealers x " + customers + " customers to " + out.toAbsolutePath()
        + "; try: ./fedge sim " + out.resolve("job.json"));
  }

  /** Writes dealer-1..N/customers.csv, test.csv, MODEL.md and job.json under {@code out}. */
  public static void write(Path out, int dealers, int customers, long seed) throws IOException {
    Files.createDirectories(out);
    SplittableRandom root = new SplittableRandom(seed);
    List<String> parties = new ArrayList<>();
    for (int d = 1; d <= dealers; d++) {
      SplittableRandom r = root.split();
      // each dealer has its own catchment: urban share shifts income, visits and car age
      double urban = 0.2 + 0.6 * r.nextDouble();
      Path f = out.resolve("dealer-" + d).resolve("customers.csv");
      Files.createDirectories(f.getParent());
      writeCsv(f, r, customers, urban, d * 1_000_000L);
      parties.add("dealer-" + d + "/customers.csv");
    }
    writeCsv(out.resolve("test.csv"), root.split(), Math.max(500, customers / 2), 0.5, 900_000_000L);
    Files.writeString(out.resolve("MODEL.md"), modelText(seed), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("job.json"), jobJson(parties), StandardCharsets.UTF_8);
  }

  private static void writeCsv(Path f, SplittableRandom r, int n, double urban, long idBase) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      w.write("customer_id," + String.join(",", FEATURES) + ",purchased\n");
      for (int i = 0; i < n; i++) {
        double[] x = customer(r, urban);
        double logit = INTERCEPT;
        for (int j = 0; j < x.length; j++) {
          logit += COEF[j] * (x[j] - MEAN[j]) / SD[j];
        }
        int y = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        StringBuilder b = new StringBuilder().append(idBase + i);
        for (double v : x) {
          b.append(',').append(v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v));
        }
        w.write(b.append(',').append(y).append('\n').toString());
      }
    }
  }

  /** One customer: correlated features with plausible ranges. */
  static double[] customer(SplittableRandom r, double urban) {
    boolean city = r.nextDouble() < urban;
    double age = clamp(18, 90, Math.rint(46 + 14 * gauss(r)));
    double income = clamp(12, 400, Math.exp(Math.log(55 + (city ? 12 : 0)) + 0.42 * gauss(r)) + 0.3 * (age - 46));
    double tenure = clamp(0, 30, Math.rint(Math.max(0, (age - 20) / 8 + 1.8 * gauss(r)) * 10) / 10);
    double visits = poisson(r, city ? 3.4 : 2.4);
    double drives = Math.min(visits, poisson(r, 0.25 * visits + 0.05));
    double carAge = clamp(0, 25, Math.rint((city ? 5.5 : 7.5) + 3.5 * gauss(r)));
    double service = poisson(r, 1.2 + 0.15 * carAge);
    double spend = clamp(0, 8, Math.round(service * (0.3 + 0.25 * r.nextDouble()) * (1 + carAge / 15) * 100) / 100.0);
    double since = clamp(0, 900, Math.rint(service > 0 ? 365.0 / (service + 0.5) * (0.5 + r.nextDouble()) : 500 + 300 * r.nextDouble()));
    double email = r.nextDouble() < 0.35 + 0.2 * urban ? 1 : 0;
    double financing = r.nextDouble() < 0.1 + 0.3 * Math.min(1, income / 120) ? 1 : 0;
    return new double[] {age, Math.round(income * 10) / 10.0, tenure, visits, drives, service, spend, since, carAge, email,
        financing};
  }

  private static double gauss(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  private static int poisson(SplittableRandom r, double lambda) {
    double l = Math.exp(-lambda);
    double p = 1;
    int k = 0;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l && k < 1000);
    return k - 1;
  }

  private static double clamp(double lo, double hi, double v) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static String modelText(long seed) {
    StringBuilder b = new StringBuilder("# Synthetic dealer data: the true model\n\nGenerated by `./fedge gen-data` with seed ")
        .append(seed).append(". Each customer's `purchased` label is drawn from P = 1 / (1 + exp(-logit)) with\n\n")
        .append("logit = ").append(INTERCEPT).append(" + sum_j coef_j * (x_j - mean_j) / sd_j\n\n")
        .append("| feature | coef | mean | sd |\n|---|---|---|---|\n");
    for (int j = 0; j < FEATURES.size(); j++) {
      b.append("| ").append(FEATURES.get(j)).append(" | ").append(COEF[j]).append(" | ").append(MEAN[j]).append(" | ")
          .append(SD[j]).append(" |\n");
    }
    return b.append("\nDealers differ in their urban share (income, showroom traffic, car age), so sites are not "
        + "identically distributed. The data is synthetic: no real person is described.\n").toString();
  }

  private static String jobJson(List<String> parties) {
    StringBuilder cols = new StringBuilder("\"purchased\"");
    FEATURES.forEach(f -> cols.append(", \"").append(f).append('"'));
    StringBuilder ps = new StringBuilder();
    for (String p : parties) {
      ps.append(ps.length() == 0 ? "" : ", ").append('"').append(p).append('"');
    }
    return "{\n  \"id\": \"dealer-purchase-lr\",\n  \"title\": \"Who buys next quarter\",\n  \"requester\": \"fedge-examples\",\n"
        + "  \"purpose\": \"Purchase propensity from showroom and service history (synthetic data)\",\n"
        + "  \"group\": \"dealers\",\n  \"datasets\": [{\"dataset\": \"customers\", \"columns\": [" + cols + "]}],\n"
        + "  \"label\": \"purchased\",\n  \"model\": {\"type\": \"logistic\"},\n"
        + "  \"hyper\": {\"learningRate\": 0.05, \"localEpochs\": 1, \"batchSize\": 64},\n  \"rounds\": 5,\n"
        + "  \"roundDeadlineSeconds\": 60,\n  \"secureAggregation\": {\"enabled\": true, \"maxDropoutFraction\": 0.3},\n"
        + "  \"validation\": {\"path\": \"test.csv\"},\n"
        + "  \"simulation\": {\"parties\": [" + ps + "], \"test\": \"test.csv\"}\n}\n";
  }

  private static String require(String flag, String v) {
    if (v == null) {
      usage(flag + " needs a value");
    }
    return v;
  }

  private static void usage(String m) {
    System.err.println("fedge gen-data: " + m + "\nusage: ./fedge gen-data --out DIR [--dealers 3] [--customers 2000] [--seed 7]");
    System.exit(2);
  }
}
