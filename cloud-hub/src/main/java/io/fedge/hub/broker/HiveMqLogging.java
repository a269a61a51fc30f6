package io.fedge.hub.broker;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Keeps HiveMQ and its storage libraries at WARN when logback is the logging backend and the
 * application has not configured those loggers itself. HiveMQ's own logging bootstrap (which
 * would reset logback) is disabled by the embedded builder.
 */
final class HiveMqLogging {

  private static final String[] CHATTY = {"com.hivemq", "jetbrains.exodus", "org.rocksdb", "oshi"};

  private HiveMqLogging() {}

  static void quiet() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof ch.qos.logback.classic.LoggerContext context)) {
      return;
    }
    for (String name : CHATTY) {
      ch.qos.logback.classic.Logger logger = context.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }
}
