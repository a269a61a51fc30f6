package io.fedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

class RefusalClassificationTest {
  @Test
  void brokerRefusalsAndTlsHandshakeFailuresAreRefusals() {
    assertThat(MqttLink.isRefusal(new MqttException(0x87))).isTrue();
    assertThat(MqttLink.isRefusal(new MqttException(0x86))).isTrue();
    assertThat(MqttLink.isRefusal(new MqttException(0x8A))).isTrue();
    assertThat(
            MqttLink.isRefusal(
                new MqttException(
                    MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR,
                    new SSLHandshakeException("Received fatal alert: certificate_revoked"))))
        .isTrue();
  }

  @Test
  void networkTroubleIsNotARefusal() {
    assertThat(
            MqttLink.isRefusal(
                new MqttException(
                    MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR,
                    new ConnectException("Connection refused"))))
        .isFalse();
    assertThat(MqttLink.isRefusal(new MqttException(MqttClientException.REASON_CODE_CONNECTION_LOST)))
        .isFalse();
    assertThat(MqttLink.isRefusal(new MqttException(0x8B))).isFalse(); // server shutting down
  }

  @Test
  void reasonCodesAreNamedForLogsAndListeners() {
    assertThat(MqttLink.reasonName(0x87)).isEqualTo("0x87 not authorized");
    assertThat(MqttLink.describe(new MqttException(0x86))).startsWith("0x86 bad user name");
  }
}
