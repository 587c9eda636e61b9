# Multi-stage build: a static coupa-users binary on a distroless base, run as a non-root user.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t coupa-users .
#
# VERSION is what `coupa-users version` and the banner print; without it they print "devel" (.git is not copied
# into the build, so the toolchain records no commit).

# Base images are pinned by digest, so that a build gets the bytes it was tested with; the tag says what the digest
# is. To move to a newer build of the same tag (or a new tag), resolve its digest and replace both, e.g.
#   docker buildx imagetools inspect golang:1.26.8 --format '{{json .Manifest.Digest}}'
# golang:1.26.8: the multi-platform index of its 2026-09-01 build, as docker-library/repo-info records it
# (repos/golang/remote/1.26.8.md).
FROM golang:1.26.8@sha256:ec0383e177f24920f5498de7d96d1cd81ada095b430dda72f8b863b99a485ff6 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/coupa-users ./cmd/coupa-users \
 && mkdir -p /out/data

# gcr.io/distroless/static-debian12:nonroot, the multi-platform index as of 2026-08-26; resolve a newer one with
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot --format '{{json .Manifest.Digest}}'
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
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
