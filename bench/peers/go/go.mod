module acmepolicy.invalid/bench/peers/go

go 1.21
