# Sila's proxy image: Debian's nginx-light with the cache-purge module, the shipped configs
# rendered at start by envsubst (only the ${SILA_...} values; nginx's own variables stay).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx-light libnginx-mod-http-cache-purge gettext-base \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
COPY deploy/nginx.conf deploy/nginx-tls.conf /etc/sila/templates/
CMD ["sh", "-c", "vars=$(env | sed -n 's/^\\(SILA_[A-Z0-9_]*\\)=.*/${\\1}/p' | tr '\\n' ' '); for f in nginx.conf nginx-tls.conf; do envsubst \"$vars\" < /etc/sila/templates/$f > /etc/nginx/conf.d/sila-$f; done; mkdir -p /var/cache/nginx/sila; exec nginx -g 'daemon off;'"]
