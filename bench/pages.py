"""Query counts of the pages bench/scale.sh times, and the dashboard's own SQL replayed.

Run inside the portal: ``manage.py shell -v 0 < bench/pages.py`` (BENCH_PAGES: the addresses,
separated by spaces). Prints one line per page: "<address> <queries cold> <queries warm>", then
"SQL <address> <ms>" for the dashboard: its queries, captured on a cold request, run again
directly on the database (the median of five runs), what the page costs without Django.
"""

import os
import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User

PAGES = os.environ.get("BENCH_PAGES", "/products/ /dashboard/").split()
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username=os.environ.get("BENCH_USER", "admin")))
for page in PAGES:
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        status = client.get(page).status_code
    with CaptureQueriesContext(connection) as warm:
        client.get(page)
    print(f"{page} {len(cold)} {len(warm)} {status}")
    if page.startswith("/dashboard/"):
        statements = [
            q["sql"]
            for q in cold.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT")
        ]
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
            runs.append((time.perf_counter() - start) * 1000)
        print(f"SQL {page} {statistics.median(runs):.0f}")
