# A stand-in for the .NET SDK image, for machines that cannot pull it (scripts/compose-test.sh builds it): the local
# Debian base (with the host's certificate authorities) plus the SDK installed on the host. Build context: the host's
# dotnet root (the folder holding the dotnet executable).
ARG BASE
FROM ${BASE}
COPY . /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# As the official image: no telemetry, no first-run banner, and the container flag. The revocation mode matches the
# host's NuGet setting: where the host's certificate authorities re-sign TLS, revocation servers are out of reach.
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    NUGET_CERT_REVOCATION_MODE=offline
