RUNLAYER_HOST='https://a.example' # c
RUNLAYER_API_KEY=rl\_x"y"'z'
RUNLAYER_API_KEY=second
