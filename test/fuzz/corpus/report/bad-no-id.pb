
shopxweb 0