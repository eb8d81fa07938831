
$0b6f8a52-3c1e-4d8e-9a51-7f2c1d3e4a010.1.01
shopweb-test-httpweb *test:web-test-http"2026-11-25T22:15:03.123Z0Jweb-test-http