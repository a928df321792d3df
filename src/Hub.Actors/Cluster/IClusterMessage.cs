namespace Hub.Cluster;

/// <summary>
/// Marks a message that crosses nodes. Every such type is bound to <see cref="Serialization.HubMessageSerializer"/> in the engine's
/// own configuration (<c>hocon/hub.hocon</c>, <see cref="HubSettings.DefaultConfig"/>), so none falls back to Akka's
/// default JSON serializer, with or without the host's <c>hocon/cluster.hocon</c>.
/// </summary>
internal interface IClusterMessage;
