package io.fedge.hub.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.model.LocalTrainer;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.ModelSpec;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TableCsv;
import io.fedge.federation.model.TrainParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DealerDataGeneratorTest {
  @TempDir Path dir;

  @Test
  void theSameSeedWritesTheSameFilesAndAnotherSeedOthers() throws Exception {
    DealerDataGenerator.write(dir.resolve("a"), 2, 300, 11);
    DealerDataGenerator.write(dir.resolve("b"), 2, 300, 11);
    DealerDataGenerator.write(dir.resolve("c"), 2, 300, 12);
    String a = Files.readString(dir.resolve("a/dealer-1/customers.csv"));
    assertThat(Files.readString(dir.resolve("b/dealer-1/customers.csv"))).isEqualTo(a);
    assertThat(Files.readString(dir.resolve("c/dealer-1/customers.csv"))).isNotEqualTo(a);
    assertThat(Files.readString(dir.resolve("a/dealer-2/customers.csv"))).isNotEqualTo(a);
  }

  @Test
  void aModelTrainedOnTheDataRecoversTheSignsOfTheTrueCoefficients() throws Exception {
    DealerDataGenerator.write(dir, 3, 4000, 7);
    Table all = Table.concat(List.of(
        TableCsv.read(dir.resolve("dealer-1/customers.csv"), "purchased", "customer_id"),
        TableCsv.read(dir.resolve("dealer-2/customers.csv"), "purchased", "customer_id"),
        TableCsv.read(dir.resolve("dealer-3/customers.csv"), "purchased", "customer_id")));
    double rate = 0;
    for (double y : all.y()) {
      rate += y;
    }
    assertThat(rate / all.rows()).isBetween(0.1, 0.5);
    Scaler s = Scaler.fit(all);
    Model m = Models.create(ModelSpec.logistic(), all.cols());
    Table z = s.transform(all);
    for (int e = 0; e < 5; e++) {
      LocalTrainer.train(m, z, new TrainParams(1, 64, 0.05, 0, 0, e), m.parameters());
    }
    double[] w = m.parameters();
    for (int j = 0; j < DealerDataGenerator.COEF.length; j++) {
      if (Math.abs(DealerDataGenerator.COEF[j]) >= 0.25) {
        assertThat(Math.signum(w[j])).as("sign of %s", DealerDataGenerator.FEATURES.get(j))
            .isEqualTo(Math.signum(DealerDataGenerator.COEF[j]));
      }
    }
    Table test = s.transform(TableCsv.read(dir.resolve("test.csv"), "purchased", "customer_id"));
    assertThat(Metrics.evaluate(m, test).auc()).isGreaterThan(0.7);
  }
}
