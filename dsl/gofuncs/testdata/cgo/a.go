package main

// #include <stdlib.h>
import "C"

func f() int { return 1 }
