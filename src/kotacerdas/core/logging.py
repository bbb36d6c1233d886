import datetime as dt
import logging


class UTCFormatter(logging.Formatter):
    """Log timestamps in UTC, ISO 8601, whatever the server's time zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"
