

not-a-uuid
shopxweb 0