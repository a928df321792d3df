using System.Text.Json;

namespace RawJsonRpcServer;

/// <summary>Where the members of one JSON-RPC request lie in its frame: offsets only, nothing copied.</summary>
internal struct Request
{
    public int MethodStart;
    public int MethodLength;
    public bool HasParams;
    public int ParamsStart;
    public int ParamsLength;
    public bool HasId;
    public int IdStart;
    public int IdLength;

    /// <summary>Reads a request object; false when it is valid JSON but not a request; throws JsonException on bad JSON.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out Request request)
    {
        request = default;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                reader.Skip();
            }

            return false;
        }

        var version = false;
        var method = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("jsonrpc"u8))
            {
                reader.Read();
                version = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                method = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;
                request.MethodStart = (int)reader.TokenStartIndex + 1;
                request.MethodLength = reader.ValueSpan.Length;
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                request.HasParams = true;
                request.ParamsStart = (int)reader.TokenStartIndex;
                reader.Skip();
                request.ParamsLength = (int)reader.BytesConsumed - request.ParamsStart;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                request.HasId = true;
                request.IdStart = (int)reader.TokenStartIndex;
                reader.Skip();
                request.IdLength = (int)reader.BytesConsumed - request.IdStart;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        while (reader.Read())
        {
            // Reads to the end, so trailing garbage is a parse error as it is for the hub.
        }

        return version && method;
    }
}
