# summitbot: long-polling Telegram bot. Build: docker build -t summitbot .
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
    SUMMITBOT_DB=sqlite:////data/summitbot.db
VOLUME ["/data"]
ENTRYPOINT ["summitbot"]
CMD ["run"]
