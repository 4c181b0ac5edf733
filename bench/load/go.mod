module acmepolicy.dev/load

go 1.25
