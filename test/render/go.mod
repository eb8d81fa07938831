module hookbox-render

go 1.19
