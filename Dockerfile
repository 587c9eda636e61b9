# Multi-stage build: a static coupa-users binary on a distroless base, run as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/coupa-users ./cmd/coupa-users

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/coupa-users /coupa-users
USER nonroot:nonroot
EXPOSE 8080
# Listen on every interface inside the container; publish with `docker run -p 8080:8080 ...`.
ENV COUPA_USERS_ADDR=0.0.0.0:8080
ENTRYPOINT ["/coupa-users"]
CMD ["serve"]
