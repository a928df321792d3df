# A stand-in for the ASP.NET Core runtime image, for machines that cannot pull it (scripts/compose-test.sh builds it):
# the local Debian base plus the host's .NET and ASP.NET Core runtimes. Build context: a folder holding the dotnet
# executable, host/ and the two shared frameworks.
ARG BASE
FROM ${BASE}
COPY . /usr/share/dotnet/
# The official image's non-root user (APP_UID, 1654; the hub's Dockerfile runs as it) and its defaults.
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --gid 1654 app \
    && useradd --uid 1654 --gid app --create-home --home-dir /home/app --shell /bin/false app
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
