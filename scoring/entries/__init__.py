"""What analysts and departments enter: manual points (人工评分) and registers of signed
documents."""
