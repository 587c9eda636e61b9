# Multi-stage build: a static coupa-users binary on a distroless base, run as a non-root user.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t coupa-users .
#
# VERSION is what `coupa-users version` and the banner print; without it they print "devel" (.git is not copied
# into the build, so the toolchain records no commit).

# TODO(digest): pin by digest, golang:1.26@sha256:<digest>; resolve it with
#   docker buildx imagetools inspect golang:1.26
# (not done: no registry was reachable where this was written, and a digest must not be guessed).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/coupa-users ./cmd/coupa-users \
 && mkdir -p /out/data

# TODO(digest): pin by digest, gcr.io/distroless/static-debian12:nonroot@sha256:<digest>; resolve it with
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/coupa-users /coupa-users
# /data belongs to nonroot (65532), so that a volume mounted there (--state /data/users.json) is writable: Docker
# gives a new named volume the ownership of the directory it is mounted over.
COPY --from=build --chown=65532:65532 /out/data /data
USER nonroot:nonroot
EXPOSE 8080
# Listen on every interface inside the container; publish with `docker run -p 8080:8080 ...`. Calls through a
# published port are not loopback: the admin surface needs COUPA_USERS_ADMIN_TOKEN.
ENV COUPA_USERS_ADDR=0.0.0.0:8080
ENTRYPOINT ["/coupa-users"]
CMD ["serve"]
