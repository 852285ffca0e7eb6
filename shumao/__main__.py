from shumao.cli.app import main

if __name__ == "__main__":     # imported (by a tool, a worker), it runs nothing
    main()
