# The hub node image: one image for every node of the cluster (docker-compose.yml runs three).
#   docker build -t hub .
#   docker run --rm -p 8080:8080 hub        # a one-node cluster (no HUB_SEEDS: the node joins itself)
# Cluster settings come from the environment only: HUB_HOSTNAME, HUB_PORT, HUB_PUBLIC_HOSTNAME, HUB_SEEDS,
# HUB_ROLES (see README.md, "Configuration").

# Where the .NET base images come from: <DOTNET_IMAGES>/sdk:10.0 and <DOTNET_IMAGES>/aspnet:10.0. The official ones by
# default; scripts/compose-test.sh builds stand-ins from Debian's packages and the host's SDK (hub-local/dotnet) for
# machines that cannot pull them (compose passes HUB_DOTNET_IMAGES here). Unset or empty: the official images.
ARG DOTNET_IMAGES

# ---- build ------------------------------------------------------------------------------------------------------
FROM ${DOTNET_IMAGES:-mcr.microsoft.com/dotnet}/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so the package layer is reused until a project file or the
# central package versions change (not on every source edit).
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Hub.Protocol/Hub.Protocol.csproj src/Hub.Protocol/
COPY src/Hub.Actors/Hub.Actors.csproj src/Hub.Actors/
COPY src/Hub.Host/Hub.Host.csproj src/Hub.Host/
RUN dotnet restore src/Hub.Host/Hub.Host.csproj

# The sources, and hocon/ (both projects embed a HOCON file from it).
COPY hocon/ hocon/
COPY src/Hub.Protocol/ src/Hub.Protocol/
COPY src/Hub.Actors/ src/Hub.Actors/
COPY src/Hub.Host/ src/Hub.Host/
RUN dotnet publish src/Hub.Host/Hub.Host.csproj -c Release -o /app --no-restore

# ---- runtime ----------------------------------------------------------------------------------------------------
FROM ${DOTNET_IMAGES:-mcr.microsoft.com/dotnet}/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# ASPNETCORE_URLS must be set: without it the host listens on 127.0.0.1:8080, unreachable from outside the
# container. The image's own ASPNETCORE_HTTP_PORTS is cleared so Kestrel does not warn that URLS overrides it.
# HUB_HOSTNAME is the address the cluster transport binds to; every node must also get HUB_PUBLIC_HOSTNAME (the
# name other nodes reach it by, e.g. its compose service name) and, except a lone node, HUB_SEEDS.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS="" \
    HUB_HOSTNAME=0.0.0.0 \
    HUB_PORT=4053

# 8080: WebSocket and HTTP at /rpc, /healthz, /readyz. 4053: Akka.Remote, node to node only (do not publish it).
EXPOSE 8080 4053

# The non-root user the .NET images define (APP_UID, 1654); both ports are above 1024.
USER $APP_UID

# No HEALTHCHECK here: the image has no curl or wget and installs none. docker-compose.yml checks GET /readyz with
# bash's /dev/tcp instead (bash is in the image).
# Exec form, so dotnet is PID 1 and gets SIGTERM: the node drains, closes WebSockets with 1001 and leaves the
# cluster. Give it a stop grace of at least 15 s (compose: stop_grace_period; docker stop -t 20).
ENTRYPOINT ["dotnet", "Hub.Host.dll"]
