# Sila's proxy image: Debian's nginx-light with the cache-purge module, the shipped configs
# rendered at start by envsubst (only the ${SILA_...} values; nginx's own variables stay).
# Its workers (www-data) join the group of the web image's user (gid 1000): the media it writes
# (images, documents) are readable by that group only (FILE_UPLOAD_PERMISSIONS 0640).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx-light libnginx-mod-http-cache-purge gettext-base \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
    && groupadd --gid 1000 sila && usermod --append --groups sila www-data
COPY deploy/nginx.conf deploy/nginx-tls.conf /etc/sila/templates/
CMD ["sh", "-c", "vars=$(env | sed -n 's/^\\(SILA_[A-Z0-9_]*\\)=.*/${\\1}/p' | tr '\\n' ' '); for f in nginx.conf nginx-tls.conf; do envsubst \"$vars\" < /etc/sila/templates/$f > /etc/nginx/conf.d/sila-$f; done; mkdir -p /var/cache/nginx/sila; exec nginx -g 'daemon off;'"]
