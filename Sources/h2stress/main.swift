print("h2stress")
