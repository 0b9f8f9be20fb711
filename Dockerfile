# summitbot: the Telegram bot and its web side (page, calendar, /healthz, /metrics) on port 8080.
# Build: docker build -t summitbot .   Several replicas behind HTTPS: compose.yaml
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 summitbot \
    && mkdir -p /data \
    && chown summitbot:summitbot /data

COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir .
COPY config ./config

USER 10001:10001
ENV SUMMITBOT_EVENTS=/app/config/events.yaml \
    SUMMITBOT_DB=sqlite:////data/summitbot.db \
    SUMMITBOT_HTTP_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
# the slim image has no curl or wget: the probe is Python, asking this container's own /healthz
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.web.probe"]
ENTRYPOINT ["summitbot"]
CMD ["run"]
