#!/usr/bin/env bash
# Start the production shape (Procfile.production) on this host: gunicorn, two Celery workers and
# two beats (one schedules, one waits), against PostgreSQL, a broker (RabbitMQ or Redis) and Redis.
# `make production` runs it; docs/deployment.md says what each setting means.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for name in DATABASE_URL REDIS_URL CELERY_BROKER_URL; do
	[[ -n "${!name:-}" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
	echo "Set ${missing[*]} first, e.g." >&2
	echo "  DATABASE_URL=postgres://portal@db-host:5432/portal REDIS_URL=redis://redis-host:6379/0 \\" >&2
	echo "  CELERY_BROKER_URL=amqp://portal:password@rabbit-host:5672/portal make production" >&2
	exit 2
fi

export DJANGO_ENV=production
export PORTAL_VAR_DIR="${PORTAL_VAR_DIR:-$PWD/var/production}"
mkdir -p "$PORTAL_VAR_DIR"

# Secrets come from the environment (a secret store on real hosts). On a single machine without
# them, keys are generated once into a file only this user can read, and reused afterwards.
secrets="$PORTAL_VAR_DIR/secrets.env"
if [[ -z "${SECRET_KEY:-}" || -z "${FIELD_ENCRYPTION_KEYS:-}" ]]; then
	if [[ ! -f "$secrets" ]]; then
		(
			umask 077
			.venv/bin/python - >"$secrets" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"SECRET_KEY={secrets.token_urlsafe(64)}")
print(f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")
PY
		)
		echo "Generated SECRET_KEY and FIELD_ENCRYPTION_KEYS into $secrets (back it up: without" \
			"the keys the stored client secrets cannot be read)."
	fi
	set -a
	# shellcheck disable=SC1090
	source "$secrets"
	set +a
fi
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Without a TLS terminator in front (a single machine), the portal cannot redirect to HTTPS.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-off}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"

.venv/bin/python manage.py check --deploy
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
echo "Starting Procfile.production: web on http://$GUNICORN_BIND/ (/livez, /readyz)"
PATH="$PWD/.venv/bin:$PATH" exec .venv/bin/honcho start -f Procfile.production
