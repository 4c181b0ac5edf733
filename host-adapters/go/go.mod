module acmepolicy.dev/go

go 1.19
