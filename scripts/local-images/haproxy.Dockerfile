# A stand-in for the official HAProxy image, for machines that cannot pull it (scripts/compose-test.sh builds it):
# Debian's haproxy package on the local Debian base, run the way the official image runs it (as the haproxy user,
# configuration at /usr/local/etc/haproxy/haproxy.cfg, master-worker in the foreground, SIGUSR1 to stop gracefully).
ARG BASE
FROM ${BASE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /usr/local/etc/haproxy /var/lib/haproxy \
    && chown haproxy:haproxy /var/lib/haproxy
USER haproxy
WORKDIR /var/lib/haproxy
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
