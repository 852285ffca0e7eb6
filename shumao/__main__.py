from shumao.cli.app import main

if __name__ == "__main__":     # not when a spawned worker (bulletin/side.py) re-imports it
    main()
