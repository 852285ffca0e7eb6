from shumao.cli import main

main()
