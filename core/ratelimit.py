"""Counting requests in the shared cache: at most so many an hour for one key."""

import hashlib
import time

from django.core.cache import cache


def over_limit(scope: str, key: str, limit: int, window: int = 3600) -> bool:
    """Counts one request for ``key`` in the current window of ``window`` seconds; True once
    there were more than ``limit``. The key is hashed: an e-mail address never appears in the
    cache's keys."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    bucket = f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window)
        count = 1
    return count > limit
