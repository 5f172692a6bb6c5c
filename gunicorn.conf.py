"""gunicorn's settings for the portal (Procfile.production, docs/deployment.md), read from the
environment so every host runs the same file."""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threads, not only processes: a page may wait up to OPERATIONS_TIMEOUT_SECONDS (10 s) on the ERP,
# and a waiting thread must not hold a whole process.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Longer than the slowest page (an ERP call of 10 s, retried once for a read); shorter than the
# load balancer's own timeout, so gunicorn, not the balancer, ends a stuck request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# Longer than the load balancer's idle timeout, so the balancer closes idle connections first and
# never sends a request on a connection gunicorn is closing.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
# Recycle workers now and then (memory); the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# The TLS terminator's address: only its X-Forwarded-* headers are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file in memory, not on a disk that may stall (gunicorn's advice for containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - a fixed RAM directory, no temp file
accesslog = "-"
# Who, what, status, size and time taken in milliseconds; never the query string's secrets
# (the portal puts none there) nor cookies.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "portal-web"
