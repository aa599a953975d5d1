# An offline stand-in for python:3.11-slim, built on the local Debian bookworm base
# (deploy/base/build.sh): Debian's python3.11 with venv, nothing else.
FROM egov-base:bookworm
# One layer: install, then drop the package lists and docs so they never reach the image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
    && ln -s /usr/bin/python3 /usr/local/bin/python
CMD ["python3"]
