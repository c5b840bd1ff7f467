package main

import "nosuch/pkg"

func f() int { return pkg.N }
