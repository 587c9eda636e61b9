package spec

//go:generate go run ./internal/cmd/specgen -in elements.yaml -out openapi.yaml
