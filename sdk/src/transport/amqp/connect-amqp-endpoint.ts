import amqplib, { type ChannelModel } from "amqplib";
import type { CompiledAmqpTransportOptions } from "./amqp-transport-options.js";
import type { AmqpEndpoint } from "./parse-amqp-url.js";

/** Opens one AMQP connection to an endpoint (TCP or TLS, handshake, heartbeat) with the transport's options. */
export function connectAmqpEndpoint(endpoint: AmqpEndpoint, options: CompiledAmqpTransportOptions): Promise<ChannelModel> {
  return amqplib.connect(
    {
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port,
      username: endpoint.username,
      password: endpoint.password,
      // amqplib unescapes the vhost once more (QS.unescape): keep a literal '%' literal.
      vhost: endpoint.vhost.replace(/%/g, "%25"),
      heartbeat: options.heartbeatSeconds,
      locale: "en_US",
    },
    {
      ...(endpoint.protocol === "amqps" ? options.tls : {}),
      timeout: options.connectTimeoutMs,
      noDelay: true,
      clientProperties: { connection_name: options.connectionName },
    },
  );
}
