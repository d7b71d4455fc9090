"""Remote-desktop relay routes: the agent's and the viewers' websockets, the agent download."""
