from shumao.cli.app import main

main()
