print("employees")
