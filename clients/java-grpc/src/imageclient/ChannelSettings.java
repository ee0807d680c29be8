package imageclient;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The channel of each --settings value (docs/client-matrix-format.md).
 * {@code default} changes only the receive limit; {@code recommended} also
 * sets a fixed 4 MiB HTTP/2 window, which is grpc-java's counterpart of the
 * C-core settings (no BDP probing, a 4 MiB lookahead). NettyChannelBuilder's
 * {@code flowControlWindow} turns its BDP-based window tuning off, while
 * {@code initialFlowControlWindow} would leave it on.
 */
final class ChannelSettings {
  static final int MAX_INBOUND_MESSAGE_BYTES = 64 << 20;
  static final int RECOMMENDED_WINDOW_BYTES = 4 << 20;

  /** What was set, by the builder method's name, for the result file. */
  final Map<String, Integer> options = new LinkedHashMap<>();

  private final String target;
  private final boolean recommended;

  ChannelSettings(String target, String settings) {
    this.target = target;
    this.recommended = settings.equals("recommended");
    options.put("NettyChannelBuilder.maxInboundMessageSize", MAX_INBOUND_MESSAGE_BYTES);
    if (recommended) {
      options.put("NettyChannelBuilder.flowControlWindow", RECOMMENDED_WINDOW_BYTES);
    }
  }

  ManagedChannel open() {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
    if (recommended) {
      builder.flowControlWindow(RECOMMENDED_WINDOW_BYTES);
    }
    return builder.build();
  }
}
