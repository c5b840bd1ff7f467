" botgen bots: *.bot files.
autocmd BufRead,BufNewFile *.bot setfiletype botgen
