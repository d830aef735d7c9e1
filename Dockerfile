FROM python:3.11-slim
WORKDIR /srv/tkg
# Exactly the locked versions, hashes checked, as `make install` does; a layer of its own, so
# a change to the code does not reinstall them. (The lock covers the dev and notebook extras
# too: one lock for every install, at the cost of a larger image.)
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY graph_schema ./graph_schema
COPY loaders ./loaders
COPY queries ./queries
COPY tindex ./tindex
COPY tkg_client ./tkg_client
COPY data ./data
# Editable, as `make install`: the settings find the data, the explorer and the index
# snapshots beside the code (REPO_ROOT), not inside site-packages. Nothing more is resolved;
# `pip check` fails if pyproject.toml asks for a package the lock lacks.
RUN pip install --no-cache-dir --no-deps -e . && pip check
EXPOSE 8000
# Load the bundled dataset (idempotent), then serve.
CMD ["sh", "-c", "tkg load data/north-korea-russia-2024.yaml && tkg serve"]
