FROM python:3.11-slim
WORKDIR /srv/tkg
COPY pyproject.toml README.md ./
COPY app ./app
COPY graph_schema ./graph_schema
COPY loaders ./loaders
COPY queries ./queries
COPY data ./data
RUN pip install --no-cache-dir .
EXPOSE 8000
# Load the bundled dataset (idempotent), then serve.
CMD ["sh", "-c", "tkg load data/north-korea-russia-2024.yaml && tkg serve"]
