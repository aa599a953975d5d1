# An offline stand-in for postgres:16, built on the local Debian bookworm base
# (deploy/base/build.sh): Debian's postgresql-15, with an entrypoint that honours the same
# variables as the official image (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA, PGPORT).
FROM egov-base:bookworm
# One layer: the server and client, then the package lists and docs dropped.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 tzdata \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
# The entrypoint is executable in the repository; COPY keeps its mode.
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
