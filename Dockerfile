# zhijian in a container: a static-ish build with cgo (DuckDB) on Debian.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w" -o /out/zhijian ./cmd/zhijian

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/zhijian --create-home zhijian
COPY --from=build /out/zhijian /usr/local/bin/zhijian
COPY testdata/interactions /usr/share/zhijian/samples
COPY testdata/calls/*.wav testdata/calls/*.json /usr/share/zhijian/calls/
USER zhijian
WORKDIR /var/lib/zhijian
ENTRYPOINT ["zhijian"]
CMD ["run"]
