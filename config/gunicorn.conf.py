"""gunicorn settings; every value can be overridden on the command line or by env."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests, against slow leaks: at 2,000 (half a
# second of a worker's life at Carnet's cached rate) replacements showed at the 99th
# percentile; at 50,000 it happens every few minutes under the heaviest load.
max_requests = 50000
max_requests_jitter = 5000
# Workers fork from a master that has imported Django and compiled the templates
# (config/wsgi.py): a worker replaced after max_requests is serving within
# milliseconds, not after a second of imports (which showed as 1 s at the 99th
# percentile under load). A new release needs a restart, not HUP.
preload_app = True
accesslog = "-"
# The path without its query string: an admin search for a commenter's email stays out of logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
wsgi_app = "config.wsgi:application"
# No control socket: gunicorn's default is one shared path per user, which `make run`
# and `make bench` running side by side would both claim.
control_socket_disable = True
