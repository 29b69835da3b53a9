"""The same work as one opsdeck PostgreSQL poll, done by pg_activity's own data layer:
server information (connection totals, max_connections), the activities, the waiting and the
blocking sessions - what pg_activity's screen reads every refresh. Prints the median."""
import os
import statistics
import time

from urllib.parse import urlparse

from pgactivity.data import Data

url = os.environ["OPSDECK_BENCH_DATABASE_URL"]
polls = int(os.environ.get("OPSDECK_BENCH_POLLS", "30"))
# pg_activity lays its own host/port defaults over a DSN, so give them explicitly.
parts = urlparse(url)
data = Data.pg_connect(
    host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
    database=parts.path.lstrip("/") or "postgres",
)
data.pg_get_activities()
times = []
count = 0
for _ in range(polls):
    started = time.perf_counter()
    # What opsdeck reads too: no database sizes, temp files or WAL receivers.
    data.pg_get_server_information(None, skip_db_size=True, skip_tempfile=True, skip_walreceiver=True)
    activities = data.pg_get_activities()
    data.pg_get_waiting()
    data.pg_get_blocking()
    times.append((time.perf_counter() - started) * 1000)
    count = len(activities)
times.sort()
print(f"pg_activity poll: sessions={count} polls={polls} median_ms={statistics.median(times):.2f} "
      f"mean_ms={statistics.mean(times):.2f} min_ms={times[0]:.2f}")
