# One image for web, worker and beat (see docker-compose.yml).

# Front-end assets: nhsuk-frontend, pinned by package-lock.json.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
COPY static/scss static/scss
RUN npm ci --no-audit --no-fund && npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders the PDFs through Pango and HarfBuzz; fonts for its text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the versions in requirements.lock, each file checked against its hash.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
COPY --from=assets /build/node_modules/nhsuk-frontend /app/node_modules/nhsuk-frontend
COPY --from=assets /build/static/build /app/static/build

# collectstatic needs settings to load; the key here is thrown away with this layer's
# environment and never reaches the running containers, which require their own.
ENV DJANGO_SETTINGS_MODULE=bcf.settings
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput

RUN useradd --system --create-home bcf \
    && mkdir -p /app/media \
    && chown bcf /app/media
USER bcf

EXPOSE 8000
CMD ["gunicorn", "bcf.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
