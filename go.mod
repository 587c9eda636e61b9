module github.com/coupa-kit/coupa-users

go 1.26

require (
	github.com/brianvoe/gofakeit/v7 v7.18.2 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/gorilla/mux v1.8.1 // indirect
)
