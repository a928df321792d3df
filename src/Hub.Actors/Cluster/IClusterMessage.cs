namespace Hub.Cluster;

/// <summary>
/// Marks a message that crosses nodes. Every such type is bound to <see cref="HubMessageSerializer"/> in
/// <c>hocon/cluster.hocon</c>, so none falls back to Akka's default JSON serializer.
/// </summary>
internal interface IClusterMessage;
