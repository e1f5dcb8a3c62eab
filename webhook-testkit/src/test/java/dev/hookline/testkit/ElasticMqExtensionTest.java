package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class ElasticMqExtensionTest {

  @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

  @Test
  void sendsAndReceivesThroughTheEmbeddedServer() {
    String url = SQS.createQueue("roundtrip");
    SQS.syncClient().sendMessage(b -> b.queueUrl(url).messageBody("hello"));

    var messages = SQS.syncClient().receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages();

    assertThat(messages).extracting(Message::body).containsExactly("hello");
  }

  @Test
  void redrivesToTheDeadLetterQueueAfterMaxReceives() {
    var pair = SQS.createQueueWithDlq("redrive", 1, 0);
    SQS.syncClient().sendMessage(b -> b.queueUrl(pair.queueUrl()).messageBody("poison"));

    assertThat(SQS.syncClient().receiveMessage(b -> b.queueUrl(pair.queueUrl())).messages()).hasSize(1);
    // Visibility 0: the second receive exceeds maxReceiveCount=1, so ElasticMQ moves it to the DLQ.
    SQS.syncClient().receiveMessage(b -> b.queueUrl(pair.queueUrl()));
    var dead =
        SQS.syncClient()
            .receiveMessage(
                b ->
                    b.queueUrl(pair.dlqUrl())
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
            .messages();
    assertThat(dead).extracting(Message::body).containsExactly("poison");
  }

  @Test
  void createsFifoQueues() {
    String url = SQS.createFifoQueue("ordered");
    assertThat(url).endsWith(".fifo");
  }
}
